// The receiver's use of the shared management dispatcher
// (src/engine/mgmt/dispatch.ts): the receiver's handlers need no per-request
// context, so its OpsTable is a plain table of MID handlers.
import { dispatchMessage as dispatch, type DispatchIo, type ManagementMessage, type MidErrorTable, type OpsTable } from '../mgmt/index.js';

export { MgmtOpError, type DispatchIo, type GetResult, type MidOps, type OpsTable } from '../mgmt/index.js';

export function dispatchMessage(msg: ManagementMessage, ops: OpsTable, errors: MidErrorTable, io: DispatchIo): Promise<void> {
  return dispatch(msg, ops, errors, io, undefined);
}
