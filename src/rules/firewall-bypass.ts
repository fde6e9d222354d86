import type {Finding, Rule} from '../engine/types.js'

export const firewallBypass: Rule = {
  meta: {id: 'firewall-bypass', code: 'MVD024', title: "Host firewall rules are not mistaken for the containers' protection", severity: 'warn', requires: ['networks', 'containers', 'netConfig']},
  evaluate: ({model}) => {
    const exposed = model.macvlanNetworks().flatMap((l2) => model.containerNames(l2.network))
    if (exposed.length === 0) return []
    const rules = (model.data('netConfig').dockerUserRules ?? []).filter((rule) => rule.startsWith('-A ') && !/-j RETURN$/.test(rule))
    const evidence = {facts: {dockerUserRules: rules, containers: exposed}, commands: ['iptables -S DOCKER-USER']}
    if (rules.length === 0) {
      return [{outcome: 'pass', subject: {}, message: 'No DOCKER-USER rules: nothing suggests the host firewall is expected to protect the macvlan containers (it cannot).', evidence}] satisfies Finding[]
    }
    return [
      {
        outcome: 'warn',
        subject: {},
        message: `${rules.length} DOCKER-USER rule(s) exist, but they do not apply to ${exposed.join(', ')}: macvlan frames go from the container straight to the NIC and never pass the host's iptables or nftables.`,
        evidence,
        fix: {summary: 'Filter macvlan containers on the router or switch, or inside each container\'s namespace (nsenter -n iptables …); use a bridge network where the host firewall must apply.', commands: []},
      },
    ] satisfies Finding[]
  },
}
