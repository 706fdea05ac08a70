// The part of Apache ECharts that report's plots use: server-side SVG
// rendering from its single-file ES bundle (one file loads about 7x faster
// than the package's default entry of many modules; bench/plot-libs.mjs).
// The package's own types describe the full API; this names only what
// src/verbs/report/plot/render.ts calls, so the compiler checks those calls.
declare module 'echarts/dist/echarts.esm.min' {
  export const version: string;
  export interface SsrChart {
    setOption(option: Record<string, unknown>): void;
    renderToSVGString(): string;
    dispose(): void;
  }
  export function init(
    dom: null, theme: null, opts: { renderer: 'svg'; ssr: true; width: number; height: number },
  ): SsrChart;
}
