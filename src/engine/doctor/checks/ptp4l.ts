// `ptp4l`: does ptp4l answer on its management socket, in our domain and
// transportSpecific, with a port on the interface, and is that port
// synchronised? Uses the same management client as the sync monitor, so what
// the doctor sees is what `send`/`rcv` will see.
import { isIsochronError, type IsochronError } from '../../../core/errors.js';
import { PtpmonClient } from '../../ptpmon/client.js';
import { formatClockIdentity, networkProtocolName } from '../../ptpmon/datasets.js';
import type { PortIdentity } from '../../ptpmon/message.js';
import { PortState, portStateName } from '../../ptpmon/ids.js';
import { SOF_TIMESTAMPING } from '../../../sys/constants.js';
import { notOk, ok, type CheckResult } from '../ids.js';
import type { DoctorContext, Findings } from '../context.js';

/** PORT_PROPERTIES_NP timestamping (linuxptp's enum timestamp_type). */
const TIMESTAMPING_NAMES = ['software', 'hardware', 'legacy hardware', 'one-step', 'P2P one-step'];

/** The ptp4l command line for this node: software timestamps (-S) when the NIC has none. */
export function ptp4lCommand(ctx: DoctorContext, found: Findings): string {
  const args = ['ptp4l', '-i', ctx.ifname ?? 'IFACE'];
  const hw = found.tsInfo !== null && (found.tsInfo.soTimestamping & SOF_TIMESTAMPING.RAW_HARDWARE) !== 0;
  if (!hw) args.push('-S');
  args.push('-2', '-m', '--uds_address', ctx.udsPath);
  if (ctx.domainNumber !== 0) args.push('--domainNumber', String(ctx.domainNumber));
  if (ctx.transportSpecific !== 0) args.push('--transportSpecific', String(ctx.transportSpecific));
  return args.join(' ');
}

function failure(ctx: DoctorContext, found: Findings, err: IsochronError): CheckResult {
  switch (err.code) {
    case 'ISOCHRON_ERR_PTPMON_NOT_RUNNING':
      return notOk('ptp4l', 'fail', `no ptp4l answers at ${ctx.udsPath}`, `start ptp4l: ${ptp4lCommand(ctx, found)} (or point isochron at its socket with --unix-domain-socket)`);
    case 'ISOCHRON_ERR_PTPMON_TIMEOUT':
      return notOk(
        'ptp4l',
        'fail',
        `ptp4l at ${ctx.udsPath} did not answer in domain ${ctx.domainNumber}, transportSpecific ${ctx.transportSpecific} within ${ctx.ptp4lTimeoutMs} ms`,
        'give --domain-number and --transport-specific the domainNumber and transportSpecific of ptp4l\'s configuration',
      );
    case 'ISOCHRON_ERR_PTPMON_SOCKET':
    case 'ISOCHRON_ERR_PTPMON_PATH_TOO_LONG':
      return notOk('ptp4l', 'fail', err.message, 'run the doctor as root (it binds /var/run/isochron.PID to talk to ptp4l, as send and rcv do), with a socket path under 108 bytes');
    case 'ISOCHRON_ERR_PTPMON_PORT_NOT_FOUND':
      return notOk('ptp4l', 'fail', err.message, `run ptp4l on ${ctx.ifname}: ${ptp4lCommand(ctx, found)}`);
    default:
      return notOk('ptp4l', 'fail', err.message, `check ptp4l's log; restart it: ${ptp4lCommand(ctx, found)}`);
  }
}

/** The port's network transport, from CLOCK_DESCRIPTION; a ptp4l that will not say is no failure. */
async function portTransport(client: PtpmonClient, port: PortIdentity): Promise<string> {
  try {
    const protocol = await client.networkProtocol(port);
    return protocol === null ? 'transport unknown' : networkProtocolName(protocol);
  } catch (err) {
    if (isIsochronError(err) && err.code === 'ISOCHRON_ERR_PTPMON_MGMT_ERROR') return 'transport unknown';
    throw err;
  }
}

export async function checkPtp4l(ctx: DoctorContext, found: Findings): Promise<CheckResult> {
  let client: PtpmonClient;
  try {
    client = PtpmonClient.open({ udsPath: ctx.udsPath, domainNumber: ctx.domainNumber, transportSpecific: ctx.transportSpecific, timeoutMs: ctx.ptp4lTimeoutMs });
  } catch (err) {
    if (!isIsochronError(err)) throw err;
    return failure(ctx, found, err);
  }
  try {
    // Clock-wide first: the UTC offset is the tai-offset check's, even when ptp4l has no port on the interface.
    const dds = await client.defaultDataSet();
    found.ptpUtcOffset = await client.utcOffset();
    const offset = await client.masterOffset();
    const gm = formatClockIdentity(await client.grandmasterIdentity());
    const port = ctx.ifname === null ? null : await client.portPropertiesByName(ctx.ifname);
    const transport = port ? await portTransport(client, { clockIdentity: dds.clockIdentity, portNumber: port.portNumber }) : null;
    const where = port
      ? `port ${ctx.ifname} ${portStateName(port.portState)} (${transport}, ${TIMESTAMPING_NAMES[port.timestamping] ?? `timestamping ${port.timestamping}`} timestamping), `
      : '';
    const detail =
      `ptp4l at ${ctx.udsPath}: ${where}master offset ${offset} ns, grandmaster ${gm}, clock ${formatClockIdentity(dds.clockIdentity)}, ` +
      `domain ${dds.domainNumber}, transportSpecific ${ctx.transportSpecific}, UTC offset ${found.ptpUtcOffset} s`;
    if (!port) return ok('ptp4l', detail);
    switch (port.portState) {
      case PortState.SLAVE:
      case PortState.MASTER:
      case PortState.GRAND_MASTER:
      case PortState.PASSIVE:
        return ok('ptp4l', detail);
      case PortState.FAULTY:
      case PortState.DISABLED:
        return notOk('ptp4l', 'fail', detail, `see ptp4l's log for why ${ctx.ifname} is ${portStateName(port.portState)} (link down, timestamping refused), then restart it: ${ptp4lCommand(ctx, found)}`);
      default:
        return notOk(
          'ptp4l',
          'warn',
          `${detail}: not synchronised yet`,
          'wait for SLAVE or MASTER (isochron waits too); if it stays, check that the link partner runs ptp4l with the same domain, transport (-2/-4) and delay mechanism',
        );
    }
  } catch (err) {
    if (!isIsochronError(err)) throw err;
    return failure(ctx, found, err);
  } finally {
    client.close();
  }
}
