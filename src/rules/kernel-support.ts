import type {Rule} from '../engine/types.js'

export const kernelSupport: Rule = {
  meta: {id: 'kernel-support', code: 'MVD021', title: 'The kernel supports macvlan well', severity: 'fail', requires: ['host']},
  evaluate: ({model}) => {
    const {kernel} = model.data('host')
    const [major = 0, minor = 0] = (/^(\d+)\.(\d+)/.exec(kernel)?.slice(1) ?? []).map(Number)
    const evidence = {facts: {kernel}, commands: ['uname -r', 'modinfo macvlan']}
    const version = major * 1000 + minor
    if (version >= 4000) return [{outcome: 'pass', subject: {}, message: `Kernel ${kernel} supports macvlan in every mode Docker uses.`, evidence}]
    const fix = {summary: 'Upgrade the kernel (Docker recommends 4.0 or newer for macvlan).', commands: ['uname -r']}
    if (version >= 3009) return [{outcome: 'warn', subject: {}, message: `Kernel ${kernel} is older than 4.0: macvlan works, but known bugs (bridge mode, namespaces) are fixed only in later kernels.`, evidence, fix}]
    return [{outcome: 'fail', subject: {}, message: `Kernel ${kernel} is older than 3.9: Docker's macvlan driver does not work on it.`, evidence, fix}]
  },
}
