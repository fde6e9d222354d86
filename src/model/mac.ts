/** The multicast bit (lowest bit of the first octet) clear: a MAC an interface may use as its own. */
export function isUnicastMac(mac: string): boolean {
  return (Number.parseInt(mac.slice(0, 2), 16) & 1) === 0
}
