// The syscall layer: everything isochron needs from Linux that Node lacks.
export * from './constants.js';
export * from './errors.js';
export * from './structs.js';
export * from './cmsg.js';
export * from './boundary.js';
export { kernelIoctl } from './ioctl.js';
export { libc, lastErrno, allocNative, type NativeBlock } from './libc.js';
export { Socket, DgramSocket, openSocketFd, pollFd, waitReadable, type DgramOptions, type TxtimeOptions } from './socket.js';
export { seekFd, errnoAfterPerror, type SeekResult } from './file.js';
export { PacketSocket, type PacketSocketOptions } from './packet.js';
export { UdpSocket, type UdpSocketOptions } from './udp.js';
export { UnixDgramSocket } from './unix.js';
export { listenTcp, connectTcp, type TcpListenOptions, type TcpConnectOptions } from './tcp.js';
export { ifNameToIndex, interfaceMac, interfaceFlags, type InterfaceFlags } from './iface.js';
export * from './tstamp.js';
export * from './time.js';
export * from './sched.js';
export * from './phc.js';
