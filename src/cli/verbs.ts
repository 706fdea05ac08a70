// The verb table: for each verb, its option table, the builder of its typed
// options, and the implementation that runs them.
import type { VerbSpec } from '../args/spec.js';
import type { VerbGrammar } from '../args/parse.js';
import { ALL_VERB_NAMES, type VerbName } from '../args/verb-names.js';
import { SEND_SPEC, buildSendOptions, type SendOptions } from '../engine/sender/options.js';
import { RCV_SPEC, buildRcvOptions, type RcvOptions } from '../verbs/rcv/options.js';
import { DAEMON_SPEC, buildDaemonOptions, type DaemonOptions } from '../verbs/daemon/options.js';
import {
  ORCHESTRATE_SPEC,
  buildOrchestrateOptions,
  checkInputFile,
  type OrchestrateOptions,
} from '../verbs/orchestrate/options.js';
import { REPORT_VERB } from './report-verb.js';
import type { ReportOptions } from '../verbs/report/request.js';
import { DOCTOR_SPEC, buildDoctorOptions, type DoctorOptions } from '../verbs/doctor/options.js';

export interface Verb<O> extends VerbGrammar<O> {
  /** Runs the verb (loaded on first use); resolves to the process exit status. */
  run(options: O): Promise<number>;
}

export interface VerbOptions {
  daemon: DaemonOptions;
  orchestrate: OrchestrateOptions;
  send: SendOptions;
  rcv: RcvOptions;
  report: ReportOptions;
  doctor: DoctorOptions;
}

export const VERBS: { readonly [K in VerbName]: Verb<VerbOptions[K]> } = {
  daemon: {
    spec: DAEMON_SPEC,
    build: buildDaemonOptions,
    run: async (options) => {
      const { runDaemon } = await import('../verbs/daemon/daemonize.js');
      return runDaemon(options);
    },
  },
  orchestrate: {
    spec: ORCHESTRATE_SPEC,
    build: (r) => {
      const options = buildOrchestrateOptions(r);
      checkInputFile(options.inputFile);
      return options;
    },
    run: async (options) => {
      const { runOrchestrate } = await import('../verbs/orchestrate/run.js');
      return runOrchestrate(options);
    },
  },
  send: {
    spec: SEND_SPEC,
    build: buildSendOptions,
    run: async (options) => {
      // Loaded on demand: the sender pulls in piscina and the syscall layer.
      const { runSend } = await import('../verbs/send/run.js');
      return runSend(options);
    },
  },
  rcv: {
    spec: RCV_SPEC,
    build: buildRcvOptions,
    run: async (options) => {
      const { runRcv } = await import('../verbs/rcv/run.js');
      return runRcv(options);
    },
  },
  report: REPORT_VERB,
  doctor: {
    spec: DOCTOR_SPEC,
    build: buildDoctorOptions,
    run: async (options) => {
      const { runDoctorVerb } = await import('../verbs/doctor/run.js');
      return runDoctorVerb(options);
    },
  },
};

/** Each verb's option table (what `--help` prints), from VERBS. */
export const VERB_SPECS = Object.fromEntries(ALL_VERB_NAMES.map((v) => [v, VERBS[v].spec])) as Readonly<Record<VerbName, VerbSpec>>;
