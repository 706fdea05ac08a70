// PLACEHOLDER owned by the CLI work: replaced by the real dispatcher.
export function programName(): string {
  return 'isochron';
}

export async function main(_argv0: string, _args: string[]): Promise<number> {
  process.stderr.write('isochron: CLI not built yet\n');
  return 22;
}
