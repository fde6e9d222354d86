import type {Rule} from '../engine/types.js'

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

export const macFiltered: Rule = {
  meta: {id: 'mac-filtered', code: 'MVD008', title: 'No hypervisor or cloud drops the containers\' MACs', severity: 'warn', requires: ['host', 'networks']},
  evaluate: ({model}) => {
    if (model.macvlanNetworks().length === 0) return []
    const {virtualization} = model.data('host')
    const platform = PLATFORMS[virtualization.type]
    const subject = {}
    const evidence = {facts: {virtualization: virtualization.type, detectedBy: virtualization.source}, commands: ['systemd-detect-virt', 'cat /sys/class/dmi/id/sys_vendor /sys/class/dmi/id/product_name']}
    if (!platform) {
      return [{outcome: 'pass', subject, message: `No virtual switch in front of this host (${virtualization.type === 'none' ? 'bare metal' : virtualization.type}); a physical switch's port security can still drop extra MACs.`, evidence}]
    }
    return [
      {
        outcome: 'warn',
        subject,
        message: `This host runs on ${platform.name}, whose virtual network usually drops frames from the containers' MACs: containers then reach nothing, not even the gateway. Probes confirm or clear this.`,
        evidence,
        fix: {summary: platform.setting, commands: platform.commands},
      },
    ]
  },
}
