// `isochron doctor`: probe this node, print the report, exit 1 if a check failed.
import { kernelIoctl } from '../../sys/ioctl.js';
import { openPhcDevice } from '../../sys/phc.js';
import { runDoctor, doctorExitStatus } from '../../engine/doctor/doctor.js';
import { hostQdiscProbe } from '../../engine/doctor/qdisc-probe.js';
import { DEFAULT_PTPMON_TIMEOUT_MS } from '../../engine/ptpmon/client.js';
import { processStreams, type OutputStreams } from '../../core/output.js';
import type { DoctorOptions } from './options.js';
import { formatDoctorReport } from './format.js';

export async function runDoctorVerb(options: DoctorOptions, io: OutputStreams = processStreams): Promise<number> {
  const report = await runDoctor({
    ifname: options.interface,
    udsPath: options.unixDomainSocket,
    domainNumber: options.domainNumber,
    transportSpecific: options.transportSpecific,
    io: kernelIoctl,
    openPhc: openPhcDevice,
    qdiscs: hostQdiscProbe,
    ptp4lTimeoutMs: DEFAULT_PTPMON_TIMEOUT_MS,
  });
  io.out(formatDoctorReport(report, options.format));
  return doctorExitStatus(report);
}
