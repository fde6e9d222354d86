import type {Finding, Rule} from '../engine/types.js'
import {sh} from '../exec/quote.js'
import {parentNames} from '../model/host-model.js'
import {isIPv6} from '../model/ip.js'
import type {Route} from '../snapshot/types.js'
import {notApplicable} from './support/common.js'
import {fromRa, routeText} from './support/ipv6.js'

/** The host's main-table IPv6 default routes (via a router: a point-to-point default has no gateway, and no RA either). */
const ipv6Default = (route: Route): boolean => route.table === 'main' && route.dst === 'default' && route.gateway !== undefined && isIPv6(route.gateway)

/** sysctl names an interface with dots (`eth0.10`) with slashes instead. */
const sysctlName = (ifname: string): string => ifname.replaceAll('.', '/')

/** Where the fix's setting survives a reboot: read by systemd-sysctl (and `sysctl --system`) at boot. */
const SYSCTL_FILE = '/etc/sysctl.d/60-macvlan-accept-ra.conf'

export const hostAcceptRa: Rule = {
  meta: {
    id: 'host-accept-ra',
    code: 'MVD033',
    title: 'The host keeps its IPv6 route from router advertisements',
    severity: 'fail',
    requires: ['networks', 'links', 'addresses', 'routes'],
    optional: ['ipv6Conf'],
  },
  evaluate: ({model}) => {
    const routes = model.data('routes')
    const defaults = routes.filter(ipv6Default)
    const fixed = defaults.find((route) => !fromRa(route))
    return parentNames(model.l2Networks()).flatMap((parent): Finding[] => {
      const subject = {interface: parent}
      if (!model.link(parent)) return []
      const links = [parent, ...model.shimsOn(parent).map((link) => link.name)]
      const learned = defaults.filter((route) => fromRa(route) && route.dev !== undefined && links.includes(route.dev))
      const slaac = model.data('addresses').filter((address) => address.family === 'inet6' && links.includes(address.ifname) && address.flags?.includes('dynamic'))
      if (fixed) return [{outcome: 'pass', subject, message: `The host's IPv6 default route is configured (${routeText(fixed)} on ${fixed.dev ?? '-'}${fixed.protocol ? `, proto ${fixed.protocol}` : ''}): it does not depend on router advertisements.`}]
      if (learned.length === 0 && slaac.length === 0) return [notApplicable(subject, `The host learned no IPv6 route or address from router advertisements on ${links.join(', ')}.`)]
      const conf = model.data('ipv6Conf')
      const facts = {
        forwardingAll: conf.all?.forwarding ?? null,
        ...Object.fromEntries(links.map((name) => [name, conf[name] ? {acceptRa: conf[name].acceptRa, forwarding: conf[name].forwarding} : null])),
        raDefaultRoutes: learned.map((route) => `${routeText(route)} dev ${route.dev ?? '-'}`),
        slaacAddresses: slaac.map((address) => `${address.local}/${address.prefixlen} dev ${address.ifname}`),
      }
      const evidence = {facts, commands: [sh`sysctl net.ipv6.conf.all.forwarding net.ipv6.conf.${sysctlName(parent)}.accept_ra net.ipv6.conf.${sysctlName(parent)}.forwarding`, 'ip -6 route show default']}
      // A userspace manager (systemd-networkd, NetworkManager) that handles advertisements itself sets accept_ra=0, and forwarding does not stop it.
      const dropping = links.filter((name) => conf[name]?.forwarding === true && conf[name]?.acceptRa === 1 && (learned.some((route) => route.dev === name) || slaac.some((address) => address.ifname === name)))
      if (dropping.length === 0) {
        const accepting = links.filter((name) => conf[name]?.acceptRa === 2 || (conf[name]?.acceptRa === 1 && conf[name]?.forwarding === false))
        if (accepting.length === 0) return [notApplicable(subject, `The kernel does not process router advertisements on ${links.join(', ')} (accept_ra=0): whatever installed the IPv6 route handles them itself, forwarding or not.`)]
        return [{outcome: 'pass', subject, message: `The kernel keeps accepting router advertisements on ${accepting.map((name) => `${name} (accept_ra=${conf[name]?.acceptRa}, forwarding ${conf[name]?.forwarding ? 'on' : 'off'})`).join(', ')}.`, evidence}]
      }
      const route = learned.find((candidate) => candidate.dev !== undefined && dropping.includes(candidate.dev))
      const loss = route
        ? `the host's IPv6 default route ${routeText(route)} on ${route.dev ?? '-'} is not renewed, and goes when its lifetime runs out`
        : `the host has lost the IPv6 default route it learned from them (the kernel drops such routes when forwarding comes on) and learns none again; it still holds ${slaac.map((address) => address.local).join(', ')} from them, until they expire`
      return [
        {
          outcome: 'fail',
          subject,
          message: `IPv6 forwarding is on (net.ipv6.conf.all.forwarding=${conf.all?.forwarding ? 1 : 0}; Docker turns it on when a network uses IPv6) and ${dropping.map((name) => `net.ipv6.conf.${sysctlName(name)}.accept_ra=1`).join(', ')}: the kernel ignores router advertisements on ${dropping.join(', ')}, so ${loss}. Off its LAN, the host has no IPv6.`,
          evidence,
          symptoms: ['ra-ignored'],
          fix: {
            summary: `Accept router advertisements on ${dropping.join(', ')} even with forwarding on (accept_ra=2), and keep it in ${SYSCTL_FILE} for the next boot (under systemd-networkd, set IPv6AcceptRA=yes in the link's .network file instead).`,
            commands: [
              ...dropping.map((name) => sh`sysctl -w net.ipv6.conf.${sysctlName(name)}.accept_ra=2`),
              `printf '%s\\n' ${dropping.map((name) => sh`net.ipv6.conf.${sysctlName(name)}.accept_ra=2`).join(' ')} > ${SYSCTL_FILE}`,
            ],
          },
        },
      ]
    })
  },
}
