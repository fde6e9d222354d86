import {join} from 'node:path'

/**
 * Where this host's own /etc and /run are read: from `/`, or, in a container, from below MACVLAN_DOCTOR_HOST_ROOT
 * (the image sets /host and is run with `-v /etc:/host/etc:ro -v /run:/host/run:ro`). Reports still name the host's
 * paths (/etc/netplan/…): only where the bytes come from changes.
 */
export function onHost(path: string): string {
  const root = process.env.MACVLAN_DOCTOR_HOST_ROOT
  return root ? join(root, path) : path
}
