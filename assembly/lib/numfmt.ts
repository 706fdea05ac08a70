// Integer formatting into linear memory, matching glibc's %lld, %llu, %llx
// and the C tool's "%ld.%09ld" timespec form. Each function writes at `dst`
// and returns the number of bytes written.

@inline function reverseBytes(start: usize, end: usize): void {
  let a = start;
  let b = end - 1;
  while (a < b) {
    const t = load<u8>(a);
    store<u8>(a, load<u8>(b));
    store<u8>(b, t);
    a++;
    b--;
  }
}

export function fmtU64(dst: usize, v: u64): u32 {
  let p = dst;
  do {
    store<u8>(p++, <u8>(48 + <u32>(v % 10)));
    v /= 10;
  } while (v != 0);
  reverseBytes(dst, p);
  return <u32>(p - dst);
}

export function fmtI64(dst: usize, v: i64): u32 {
  if (v >= 0) return fmtU64(dst, <u64>v);
  store<u8>(dst, 45); // '-'
  // Two's complement magnitude is exact even for INT64_MIN.
  return 1 + fmtU64(dst + 1, <u64>(0 - v));
}

export function fmtHex(dst: usize, v: u64): u32 {
  let p = dst;
  do {
    const d = <u32>(v & 15);
    store<u8>(p++, <u8>(d < 10 ? 48 + d : 87 + d));
    v >>= 4;
  } while (v != 0);
  reverseBytes(dst, p);
  return <u32>(p - dst);
}

/**
 * The C tool splits ns into tv_sec = ns / 1e9 (truncating) and
 * tv_nsec = llabs(ns) % 1e9, then prints "%ld.%09ld" into a 22-byte buffer.
 * So -0.5 s prints as "0.500000000" (the sign is lost), INT64_MIN keeps a
 * negative nsec (llabs overflows) and output is cut at 21 characters.
 */
export function fmtTimespec(dst: usize, ns: i64): u32 {
  const sec = ns / 1000000000;
  const absNs: i64 = ns < 0 ? 0 - ns : ns; // wraps for INT64_MIN, like llabs on x86
  const nsec = absNs % 1000000000;
  let len = fmtI64(dst, sec);
  store<u8>(dst + len, 46); // '.'
  len++;
  if (nsec >= 0) {
    let div: i64 = 100000000;
    while (div > 0) {
      store<u8>(dst + len, <u8>(48 + <u32>((nsec / div) % 10)));
      len++;
      div /= 10;
    }
  } else {
    len += fmtI64(dst + len, nsec);
  }
  return len > 21 ? 21 : len;
}
