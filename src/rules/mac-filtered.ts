import type {Finding, Rule} from '../engine/types.js'
import type {ProbeResults} from '../probe/types.js'
import {answersFor, notAsked, probeFacts, unaskedText} from './support/probe-evidence.js'
import {parentNames} from '../model/host-model.js'

/** What drops frames from MACs it did not assign, per `systemd-detect-virt` name, and the setting that allows them. */
const PLATFORMS: Record<string, {name: string; setting: string; commands: string[]}> = {
  oracle: {
    name: 'VirtualBox',
    setting: 'Set the VM\'s adapter to Promiscuous Mode "Allow All" (Settings → Network → Advanced), with the VM powered off.',
    commands: ['VBoxManage modifyvm "<vm>" --nicpromisc1 allow-all'],
  },
  vmware: {
    name: 'VMware',
    setting: 'On the port group or vSwitch, set Promiscuous mode, MAC address changes and Forged transmits to Accept (or use the MAC Learning policy of a distributed switch).',
    commands: ['esxcli network vswitch standard policy security set -v vSwitch0 --allow-promiscuous=true --allow-forged-transmits=true --allow-mac-change=true'],
  },
  microsoft: {
    name: 'Hyper-V or Azure',
    setting: 'Hyper-V: enable MAC address spoofing on the VM\'s network adapter. Azure drops unknown MACs and has no such switch: use ipvlan instead.',
    commands: ['Set-VMNetworkAdapter -VMName "<vm>" -MacAddressSpoofing On'],
  },
  kvm: {
    name: 'KVM/QEMU (Proxmox, libvirt)',
    setting: 'Proxmox: with the VM firewall on, the MAC filter (default on) drops foreign MACs: set "MAC filter" to No in the VM\'s firewall options. libvirt: remove a clean-traffic nwfilter from the interface.',
    commands: ['qm set <vmid> --net0 <model>,bridge=<bridge>,firewall=0   # or in /etc/pve/firewall/<vmid>.fw: macfilter: 0'],
  },
  qemu: {name: 'QEMU', setting: 'Make sure the host bridge or tap does not filter MACs (libvirt nwfilter clean-traffic, ebtables).', commands: ['virsh dumpxml <vm> | grep -i filterref']},
  amazon: {name: 'AWS EC2', setting: 'A VPC only delivers frames for the ENI\'s own MAC: macvlan cannot work. Use ipvlan (L2 or L3) with secondary private IPs assigned to the ENI.', commands: []},
  google: {name: 'Google Cloud', setting: 'The VPC only delivers traffic for the instance\'s own MAC: macvlan cannot work. Use ipvlan with alias IP ranges.', commands: []},
  xen: {name: 'Xen', setting: 'The toolstack may apply anti-spoofing to the vif: allow the containers\' MACs on the host bridge.', commands: []},
  'unknown-hypervisor': {name: 'a hypervisor', setting: 'Most virtual switches drop frames from MACs they did not assign: allow promiscuous mode / forged transmits / MAC spoofing on the VM\'s NIC.', commands: []},
}

const GENERIC_FIX = {
  summary: 'Something upstream drops frames from MACs it does not know: allow extra MACs there (hypervisor: promiscuous mode / forged transmits / MAC spoofing; switch: raise or disable port security on this port), or use ipvlan.',
  commands: [] as string[],
}

type Platform = (typeof PLATFORMS)[string]

/**
 * The throw-away MAC against the host's own, ARPing the same gateway: only the source MAC differs. Undefined when the
 * run sent no such probe on `parent`, or the gateway answered neither (nothing to compare).
 */
function proven(parent: string, probes: ProbeResults | undefined, platform: Platform | undefined): Finding | undefined {
  const subject = {interface: parent}
  const answers = answersFor(probes, ['mac-filter-host', 'mac-filter-scratch'], {parent})
  const unasked = unaskedText(answers)
  if (unasked) {
    if (platform) return {...platformWarning(platform), subject, message: `${platformWarning(platform).message} The probe on ${parent} could not tell (${unasked}).`}
    return notAsked(subject, `whether frames from extra MACs get through upstream of ${parent}`, unasked)
  }
  const host = answers.judged.find((record) => record.purpose === 'mac-filter-host')
  const scratch = answers.judged.find((record) => record.purpose === 'mac-filter-scratch')
  if (!host || !scratch || host.outcome !== 'reply') return undefined
  const evidence = {facts: {parent, throwAwayMac: scratch.from.mac, gateway: host.target, ...probeFacts([host, scratch])}, commands: [...new Set([host.command, scratch.command])]}
  if (scratch.outcome === 'reply') {
    return {outcome: 'pass', subject, message: `Proven: the gateway ${host.target} answered ARP from the throw-away MAC ${scratch.from.mac} on ${parent} as it answers the host: frames from extra MACs get through.`, evidence}
  }
  return {
    outcome: 'fail',
    subject,
    message: `Frames from extra MACs are dropped upstream of ${parent}: the gateway ${host.target} answers ARP from the host's own MAC but not from the throw-away MAC ${scratch.from.mac}. Containers on ${parent} reach nothing beyond the host.`,
    evidence,
    fix: platform ? {summary: platform.setting, commands: platform.commands} : GENERIC_FIX,
  }
}

const VIRTUALIZATION_COMMANDS = ['systemd-detect-virt', 'cat /sys/class/dmi/id/sys_vendor /sys/class/dmi/id/product_name']

function platformWarning(platform: Platform): Finding {
  return {
    outcome: 'warn',
    subject: {},
    message: `This host runs on ${platform.name}, whose virtual network usually drops frames from the containers' MACs: containers then reach nothing, not even the gateway. Probes confirm or clear this.`,
    fix: {summary: platform.setting, commands: platform.commands},
  }
}

export const macFiltered: Rule = {
  meta: {
    id: 'mac-filtered',
    code: 'MVD008',
    title: 'No hypervisor or cloud drops the containers\' MACs',
    severity: 'warn',
    requires: ['host', 'networks'],
    probes: ['mac-filter-host', 'mac-filter-scratch'],
    // A Wi-Fi access point accepts only the MAC that associated with it: that is the filter, and its fix is wireless-parent's.
    causedBy: [{id: 'wireless-parent', on: 'parent'}],
  },
  evaluate: ({model, probes}) => {
    if (model.macvlanNetworks().length === 0) return []
    const {virtualization} = model.data('host')
    const platform = PLATFORMS[virtualization.type]
    const evidence = {facts: {virtualization: virtualization.type, detectedBy: virtualization.source}, commands: VIRTUALIZATION_COMMANDS}
    const parents = parentNames(model.macvlanNetworks())
    const probed = parents.flatMap((parent) => {
      const finding = proven(parent, probes, platform)
      return finding ? [{...finding, evidence: finding.evidence ?? evidence}] : []
    })
    if (probed.length > 0) return probed
    if (!platform) {
      return [{outcome: 'pass', subject: {}, message: `No virtual switch in front of this host (${virtualization.type === 'none' ? 'bare metal' : virtualization.type}); a physical switch's port security can still drop extra MACs.`, evidence}]
    }
    return [{...platformWarning(platform), evidence}]
  },
}
