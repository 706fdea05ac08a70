// Linux x86_64 ABI constants used by the syscall layer, taken from the UAPI
// headers (linux/net_tstamp.h, linux/errqueue.h, linux/sockios.h,
// linux/ptp_clock.h, asm-generic/socket.h, bits/*). They are plain numbers so
// that every module (and every worker thread) can use them without loading
// libc. Values differ on other architectures: this layer targets x86_64 and
// aarch64 Linux, where all of these coincide.

export const AF_UNIX = 1;
export const AF_INET = 2;
export const AF_INET6 = 10;
export const AF_PACKET = 17;

export const SOCK_STREAM = 1;
export const SOCK_DGRAM = 2;
export const SOCK_RAW = 3;
export const SOCK_NONBLOCK = 0o4000;
export const SOCK_CLOEXEC = 0o2000000;

export const IPPROTO_UDP = 17;
export const ETH_P_ALL = 0x0003;
export const ETH_ALEN = 6;
export const IFNAMSIZ = 16;

export const SOL_SOCKET = 1;
export const SOL_IP = 0;
export const SOL_IPV6 = 41;
export const SOL_PACKET = 263;

export const SO_REUSEADDR = 2;
export const SO_ERROR = 4;
export const SO_RCVBUF = 8;
/** SO_RCVBUF beyond net.core.rmem_max; needs CAP_NET_ADMIN. */
export const SO_RCVBUFFORCE = 33;
export const SO_PRIORITY = 12;
export const SO_BINDTODEVICE = 25;
/** SO_TIMESTAMPING_OLD: the variant with `struct timespec` on 64-bit time_t ABIs. */
export const SO_TIMESTAMPING = 37;
export const SO_SELECT_ERR_QUEUE = 45;
export const SO_TXTIME = 61;
export const SCM_TIMESTAMPING = SO_TIMESTAMPING;
export const SCM_TXTIME = SO_TXTIME;

export const IP_RECVERR = 11;
export const IPV6_RECVERR = 25;
export const IPV6_V6ONLY = 26;
export const PACKET_ADD_MEMBERSHIP = 1;
export const PACKET_DROP_MEMBERSHIP = 2;
export const PACKET_TX_TIMESTAMP = 16;
export const PACKET_MR_MULTICAST = 0;
export const PACKET_MR_PROMISC = 1;
export const PACKET_MR_ALLMULTI = 2;

export const MSG_DONTWAIT = 0x40;
export const MSG_TRUNC = 0x20;
export const MSG_CTRUNC = 0x08;
export const MSG_ERRQUEUE = 0x2000;

/** linux/net_tstamp.h `SOF_TIMESTAMPING_*`. */
export const SOF_TIMESTAMPING = {
  TX_HARDWARE: 1 << 0,
  TX_SOFTWARE: 1 << 1,
  RX_HARDWARE: 1 << 2,
  RX_SOFTWARE: 1 << 3,
  SOFTWARE: 1 << 4,
  SYS_HARDWARE: 1 << 5,
  RAW_HARDWARE: 1 << 6,
  OPT_ID: 1 << 7,
  TX_SCHED: 1 << 8,
  TX_ACK: 1 << 9,
  OPT_CMSG: 1 << 10,
  OPT_TSONLY: 1 << 11,
  OPT_STATS: 1 << 12,
  OPT_PKTINFO: 1 << 13,
  OPT_TX_SWHW: 1 << 14,
  BIND_PHC: 1 << 15,
} as const;

/** `SCM_TSTAMP_*`: which point of the TX path a timestamp was taken at (ee_info). */
export const SCM_TSTAMP_SND = 0;
export const SCM_TSTAMP_SCHED = 1;
export const SCM_TSTAMP_ACK = 2;

export const SOF_TXTIME_DEADLINE_MODE = 1 << 0;
export const SOF_TXTIME_REPORT_ERRORS = 1 << 1;

export const HWTSTAMP_TX_OFF = 0;
export const HWTSTAMP_TX_ON = 1;
export const HWTSTAMP_FILTER_NONE = 0;
export const HWTSTAMP_FILTER_ALL = 1;

export const SO_EE_ORIGIN_NONE = 0;
export const SO_EE_ORIGIN_LOCAL = 1;
export const SO_EE_ORIGIN_ICMP = 2;
export const SO_EE_ORIGIN_ICMP6 = 3;
export const SO_EE_ORIGIN_TIMESTAMPING = 4;
export const SO_EE_ORIGIN_TXTIME = 6;
export const SO_EE_CODE_TXTIME_INVALID_PARAM = 1;
export const SO_EE_CODE_TXTIME_MISSED = 2;

export const SIOCGIFFLAGS = 0x8913;
export const SIOCGIFHWADDR = 0x8927;
export const SIOCETHTOOL = 0x8946;
export const SIOCSHWTSTAMP = 0x89b0;
export const SIOCGHWTSTAMP = 0x89b1;
export const ETHTOOL_GET_TS_INFO = 0x41;

/** linux/if.h `IFF_*` bits of ifr_flags (SIOCGIFFLAGS). */
export const IFF_UP = 0x1;
export const IFF_RUNNING = 0x40;

export const PTP_MAX_SAMPLES = 25;
/** _IOW('=', 5, struct ptp_sys_offset) with sizeof == 832. */
export const PTP_SYS_OFFSET = 0x43403d05;
/** _IOWR('=', 8, struct ptp_sys_offset_precise) with sizeof == 64. */
export const PTP_SYS_OFFSET_PRECISE = 0xc0403d08;
/** _IOWR('=', 9, struct ptp_sys_offset_extended) with sizeof == 1216. */
export const PTP_SYS_OFFSET_EXTENDED = 0xc4c03d09;

export const CLOCK_REALTIME = 0;
export const CLOCK_MONOTONIC = 1;
export const CLOCK_MONOTONIC_RAW = 4;
export const CLOCK_TAI = 11;
export const TIMER_ABSTIME = 1;

export const SCHED_OTHER = 0;
export const SCHED_FIFO = 1;
export const SCHED_RR = 2;
export const SCHED_RESET_ON_FORK = 0x40000000;


export const POLLIN = 0x1;
export const POLLPRI = 0x2;
export const POLLOUT = 0x4;
export const POLLERR = 0x8;
export const POLLHUP = 0x10;

export const F_GETFL = 3;
export const F_SETFL = 4;
export const O_RDWR = 2;
export const O_ACCMODE = 3;
export const O_NONBLOCK = 0o4000;
export const O_CLOEXEC = 0o2000000;

export const CLONE_NEWNET = 0x40000000;

