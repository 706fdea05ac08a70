// Renders chart options to SVG text with Apache ECharts' server-side SVG
// renderer. ECharts is loaded here, on the first plot, and nowhere else:
// `report` without --plot never reads it (its start-up stays Node's own).

type Echarts = typeof import('echarts/dist/echarts.esm.min');

let echarts: Promise<Echarts> | undefined;

/** ECharts, imported once per process. */
function load(): Promise<Echarts> {
  echarts ??= import('echarts/dist/echarts.esm.min');
  return echarts;
}

/** The SVG document (`<svg ...>...</svg>`, no XML declaration) of an ECharts option at width x height px. */
export async function renderSvg(option: Record<string, unknown>, width: number, height: number): Promise<string> {
  const e = await load();
  const chart = e.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption(option);
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}
