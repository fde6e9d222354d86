/** Which Debian/Ubuntu package provides each helper binary we call. */
const PACKAGE_OF: Record<string, string> = {
  ip: 'iproute2',
  bridge: 'iproute2',
  nsenter: 'util-linux',
  docker: 'docker.io or docker-ce-cli',
  ping: 'iputils-ping',
  arping: 'iputils-arping',
}

/** What to install for `program`: its package where known, else its own name. */
export const packageOf = (program: string): string => PACKAGE_OF[program] ?? program
