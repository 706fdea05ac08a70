// What `isochron report` was asked to do. The CLI parses argv into this;
// start/stop are already converted the way C strtoul() would (0 = default).
export interface ReportOptions {
  inputFile: string;
  summary: boolean;
  start: number;
  stop: number;
  printfFormat?: string;
  printfArgs?: string;
}
