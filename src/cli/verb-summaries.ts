// One line per verb and per command of ours: what `isochron help` lists, the
// man pages' NAME lines and the completions' descriptions say.
import type { VerbName } from '../args/verb-names.js';
import type { EXTENSION_COMMANDS } from '../args/did-you-mean.js';

export const VERB_SUMMARIES: Readonly<Record<VerbName, string>> = {
  daemon: 'run in the background as a node that isochron orchestrate configures and starts',
  orchestrate: 'drive the daemons of several nodes through a test described in an INI file',
  send: 'send timestamped test frames on a cycle and collect the receiver\'s timestamps',
  rcv: 'receive and timestamp the test frames and answer the sender over the management port',
  report: 'print per-frame lines or the summary statistics of a .dat file',
  doctor: 'check what this node can do before a test: timestamping, PHC, ptp4l, TAI offset, qdiscs, real-time',
};

export const COMMAND_SUMMARIES: Readonly<Record<(typeof EXTENSION_COMMANDS)[number], string>> = {
  help: 'what each verb and option means, on stdout',
  completion: 'print the shell completion script for bash, zsh or fish',
  version: 'print the version on stdout',
};
