import {describe, expect, it} from 'vitest'

import {redactSnapshot} from '../../src/pipeline.js'
import {Redactor} from '../../src/snapshot/redact.js'
import {fixture} from '../helpers/fixtures.js'

describe('Redactor', () => {
  it('maps the same value to the same token everywhere and keeps prefixes', () => {
    const redactor = new Redactor(['pihole'])
    expect(redactor.text('ping 192.168.1.10 from pihole')).toBe('ping ip4-1 from name-1')
    expect(redactor.text('192.168.1.10/24 is pihole')).toBe('ip4-1/24 is name-1')
    expect(redactor.text('02:42:C0:A8:01:0A and 02:42:c0:a8:01:0a')).toBe('mac-1 and mac-1')
    expect(redactor.text('fd00:1::5/64 and fe80::1')).toBe('ip6-1/64 and ip6-2')
  })

  it('leaves times, loopback, broadcast MACs and parts of longer names alone', () => {
    const redactor = new Redactor(['db'])
    expect(redactor.text('2026-11-23T12:09:19Z 127.0.0.1 ff:ff:ff:ff:ff:ff docker-dbus db.example db')).toBe(
      '2026-11-23T12:09:19Z 127.0.0.1 ff:ff:ff:ff:ff:ff docker-dbus db.example name-1',
    )
  })

  it('leaves no address, MAC, hostname or container name of a lab snapshot behind', () => {
    const original = fixture('healthy')
    const redacted = JSON.stringify(redactSnapshot(original))
    expect(redacted).not.toMatch(/192\.168\.77\.\d+/)
    expect(redacted).not.toMatch(/\b02:42(:[0-9a-f]{2}){4}\b/)
    expect(redacted).not.toMatch(/"(web|db)"/)
    expect(redacted).toContain('"redacted":true')
  })
})
