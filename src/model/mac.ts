/** The multicast bit (lowest bit of the first octet) clear: a MAC an interface may use as its own. */
export function isUnicastMac(mac: string): boolean {
  return (Number.parseInt(mac.slice(0, 2), 16) & 1) === 0
}

/** The MAC Docker before Engine 28.0 gives an endpoint: 02:42 and its IPv4 address (`02:42:c0:a8:01:42` for 192.168.1.66). */
export function addressDerivedMac(ipv4: string): string {
  return `02:42:${ipv4
    .split('/')[0]
    ?.split('.')
    .map((octet) => Number(octet).toString(16).padStart(2, '0'))
    .join(':')}`
}

/** Whether `mac` is the one Docker before 28.0 derived from `ipv4`; from 28.0 endpoint MACs are random (moby#48808). */
export function isAddressDerivedMac(mac: string | undefined, ipv4: string | undefined): boolean {
  return mac !== undefined && ipv4 !== undefined && mac.toLowerCase() === addressDerivedMac(ipv4)
}
