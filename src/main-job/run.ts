// The README's main job, end to end on one machine:
//
//   netns A (vxa 10.199.0.1) ==veth== netns B (vxb 10.199.0.2)
//   isochron send ----1000 frames, 1 ms---->  isochron rcv
//        \------- stats connection (TCP 5000) -----/
//   -> OUTPUT.dat -> isochron report --summary (software timestamps)
//
// Everything created (namespaces, the veth pair inside them, both child
// processes) is removed on success, on failure and on SIGINT/SIGTERM.
import { spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isIsochronError } from '../core/errors.js';
import { createVethPair, spawnIn, type VethPair } from '../engine/netns/index.js';
import { MainJobInterrupted, MainJobNotRoot, MainJobStepFailed } from './errors.js';

export interface MainJobOptions {
  outputFile: string;
  numFrames: number;
  /** --cycle-time in sec.nsec text. */
  cycleTime: string;
  frameSize: number;
  /** Where progress lines go (stdout keeps the report only). */
  log(line: string): void;
  out(text: string): void;
  /** Aborts the job (SIGINT/SIGTERM handlers resolve it with the signal name). */
  abort: Promise<string>;
}

const cli = fileURLToPath(new URL('../../../bin/isochron.js', import.meta.url));
const STATS_PORT = 5000;

interface Child {
  proc: ChildProcess;
  stdout: string;
  stderr: string;
  done: Promise<{ status: number | null; signal: NodeJS.Signals | null }>;
}

function start(ns: string, args: string[]): Child {
  const proc = spawnIn(ns, process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const c: Child = {
    proc,
    stdout: '',
    stderr: '',
    done: new Promise((res) => {
      proc.on('close', (status, signal) => res({ status, signal }));
      proc.on('error', () => res({ status: null, signal: null }));
    }),
  };
  proc.stdout?.on('data', (b: Buffer) => (c.stdout += b.toString()));
  proc.stderr?.on('data', (b: Buffer) => (c.stderr += b.toString()));
  return c;
}

function listening(ns: string, port: number): boolean {
  const r = spawnSync('ip', ['netns', 'exec', ns, 'ss', '-Hltn', `sport = :${port}`], { encoding: 'utf8', timeout: 5000 });
  return r.status === 0 && r.stdout.trim().length > 0;
}

async function race<T>(p: Promise<T>, abort: Promise<string>): Promise<T> {
  const r = await Promise.race([p.then((v) => ({ v })), abort.then((sig) => ({ sig }))]);
  if ('sig' in r) throw MainJobInterrupted(r.sig);
  return r.v;
}

function stopChild(c: Child | null): Promise<unknown> {
  if (!c || c.proc.exitCode !== null || c.proc.signalCode !== null) return Promise.resolve();
  c.proc.kill('SIGTERM');
  const t = setTimeout(() => c.proc.kill('SIGKILL'), 5000);
  return c.done.finally(() => clearTimeout(t));
}

/** Runs the job; resolves to the exit status. */
export async function runMainJob(o: MainJobOptions): Promise<number> {
  let pair: VethPair | null = null;
  let rcv: Child | null = null;
  let send: Child | null = null;
  try {
    if (typeof process.getuid === 'function' && process.getuid() !== 0) throw MainJobNotRoot();
    pair = await race(
      createVethPair({
        prefix: 'isojob',
        a: { ifname: 'vxa', mac: '02:00:00:00:0a:01', ipv4: '10.199.0.1/24' },
        b: { ifname: 'vxb', mac: '02:00:00:00:0b:02', ipv4: '10.199.0.2/24' },
      }),
      o.abort,
    );
    o.log(`main-job: namespaces ${pair.nsA} (vxa 10.199.0.1) and ${pair.nsB} (vxb 10.199.0.2) joined by a veth pair\n`);
    rcv = start(pair.nsB, ['rcv', '-i', 'vxb', '--omit-hwts', '--quiet', '--stats-port', String(STATS_PORT)]);
    const deadline = Date.now() + 15_000;
    while (!listening(pair.nsB, STATS_PORT)) {
      if (rcv.proc.exitCode !== null || Date.now() > deadline) {
        throw MainJobStepFailed('starting isochron rcv', `exit ${rcv.proc.exitCode ?? 'none yet'}: ${rcv.stderr.trim()}`);
      }
      await race(new Promise((r) => setTimeout(r, 50)), o.abort);
    }
    o.log(`main-job: isochron rcv listens on 10.199.0.2:${STATS_PORT}\n`);
    if (existsSync(o.outputFile)) rmSync(o.outputFile);
    const sendArgs = [
      'send', '-i', 'vxa', '--omit-hwts', '--omit-sync', '--omit-remote-sync',
      '--client', '10.199.0.2', '--stats-port', String(STATS_PORT),
      '--cycle-time', o.cycleTime, '--num-frames', String(o.numFrames), '--frame-size', String(o.frameSize),
      '--quiet', '--output-file', o.outputFile,
    ];
    o.log(`main-job: isochron ${sendArgs.join(' ')}\n`);
    send = start(pair.nsA, sendArgs);
    const sent = await race(send.done, o.abort);
    if (sent.status !== 0 || !existsSync(o.outputFile)) {
      throw MainJobStepFailed('isochron send', `exit ${sent.status ?? sent.signal}: ${send.stderr.trim()}`);
    }
    o.log(`main-job: wrote ${o.outputFile}\n`);
    await stopChild(rcv);
    const report = spawnSync(process.execPath, [cli, 'report', '--summary', '--input-file', o.outputFile], { encoding: 'utf8', timeout: 60_000 });
    if (report.status !== 0) throw MainJobStepFailed('isochron report --summary', `exit ${report.status}: ${report.stderr.trim()}`);
    o.out(report.stdout);
    return 0;
  } catch (err) {
    if (!isIsochronError(err)) throw err;
    o.log(`${err.message}\n`);
    return err.exitStatus;
  } finally {
    await Promise.all([stopChild(send), stopChild(rcv)]);
    if (pair) {
      pair.destroy();
      o.log(`main-job: removed namespaces ${pair.nsA} and ${pair.nsB}\n`);
    }
  }
}

/** Default output file: ./main-job.dat in the current directory. */
export function defaultOutputFile(): string {
  return resolve(process.cwd(), 'main-job.dat');
}
