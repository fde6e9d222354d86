import type {Rule} from '../engine/types.js'

export const unsupportedPlatform: Rule = {
  meta: {id: 'unsupported-platform', code: 'MVD020', title: 'macvlan can work on this platform', severity: 'fail', requires: ['docker', 'host'], stopsOnFail: true},
  evaluate: ({model}) => {
    const docker = model.data('docker')
    const host = model.data('host')
    const evidence = {facts: {dockerOs: docker.os, operatingSystem: docker.operatingSystem, rootless: docker.rootless, desktop: docker.desktop, virtualization: host.virtualization.type}, commands: ['docker info', 'docker version']}
    const reason = docker.desktop
      ? 'Docker Desktop runs containers in its own VM, so macvlan attaches them to that VM\'s network, never to your LAN'
      : host.virtualization.type === 'wsl'
        ? 'under WSL2, Docker sits behind Hyper-V\'s NAT switch, which does not carry extra MACs to your LAN'
        : docker.rootless
          ? 'rootless Docker cannot create macvlan links (it has no CAP_NET_ADMIN on the host\'s network)'
          : docker.os !== 'linux'
            ? `the Docker engine runs on ${docker.os}, and macvlan is a Linux kernel driver`
            : undefined
    if (!reason) return [{outcome: 'pass', subject: {}, message: `Docker ${docker.serverVersion} runs rootful on Linux: macvlan can work here.`, evidence}]
    return [
      {
        outcome: 'fail',
        subject: {},
        message: `macvlan cannot work here: ${reason}. Nothing else was checked.`,
        evidence,
        fix: {summary: 'Run the containers with Docker Engine (rootful) on a Linux host or VM bridged to the LAN, or publish ports on the default bridge network instead.', commands: []},
      },
    ]
  },
}
