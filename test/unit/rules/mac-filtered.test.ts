import {describe, expect, it} from 'vitest'

import {macFiltered} from '../../../src/rules/mac-filtered.js'
import {fixture} from '../../helpers/fixtures.js'
import {judge} from '../../helpers/judge.js'

const on = (type: string) => judge(macFiltered, {host: {virtualization: {type, source: 'systemd-detect-virt'}}, networks: [{name: 'lan', parent: 'eth0'}]})[0]

describe('mac-filtered', () => {
  it.each([
    ['oracle', 'VirtualBox', /--nicpromisc1 allow-all/],
    ['vmware', 'VMware', /--allow-forged-transmits=true/],
    ['microsoft', 'Hyper-V or Azure', /-MacAddressSpoofing On/],
    ['kvm', 'KVM/QEMU', /macfilter: 0/],
  ])('warns on %s with its own setting', (type, name, command) => {
    const result = on(type)
    expect(result?.outcome).toBe('warn')
    expect(result?.message).toMatch(new RegExp(`runs on ${name}`))
    expect(result?.fix?.commands.join('\n')).toMatch(command)
  })

  it('says clouds cannot carry macvlan at all', () => {
    expect(on('amazon')?.fix?.summary).toContain('macvlan cannot work')
  })

  it('passes bare metal and containers, and judges nothing without macvlan networks', () => {
    expect(on('none')?.outcome).toBe('pass')
    expect(on('lxc')?.outcome).toBe('pass')
    expect(judge(macFiltered, {host: {virtualization: {type: 'oracle', source: 'x'}}})[0]).toMatchObject({outcome: 'skip', skipKind: 'not-applicable'})
    expect(judge(macFiltered, fixture('healthy'))[0]?.outcome).toBe('pass')
  })
})
