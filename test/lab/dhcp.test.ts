/**
 * dhcp-overlap against real DHCP servers, asked for the addresses in question: dnsmasq handing out its lowest free
 * address first and dnsmasq hashing the client's MAC (both ping an address and serve one client at a time), and ISC
 * dhcpd (pings too, without holding other clients up). Each verdict holds five runs in a row, at the default settings.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {doctor, labSkipped, outcomeOf, type DoctorRun} from './harness.js'
import {Lab, LAN, type DhcpServer} from './lab.js'
import {addContainer, createNetwork} from './scenarios.js'

const RUNS = 5
/** Five runs against a server that answers one question every ~3 s. */
const FIVE_RUNS_MS = 300_000

async function fiveRuns(lab: Lab, check: (run: DoctorRun) => void): Promise<void> {
  for (let run = 0; run < RUNS; run++) {
    const result = await doctor(lab)
    check(result)
    expect(result.after).toEqual(result.before)
  }
}

const overlap = (run: DoctorRun) => run.report.checks.find((check) => check.id === 'dhcp-overlap')

describe.skipIf(labSkipped)("lab: DHCP pools against Docker's range .192/27 (containers at .192 and .193, the shim address .223 reserved)", () => {
  let lab: Lab | undefined
  let running: DhcpServer = 'dnsmasq'
  beforeAll(async () => {
    if (labSkipped) return
    lab = await Lab.up()
    await createNetwork(lab, {ipRange: LAN.ipRange, aux: {shim: LAN.shimAddress}})
    await addContainer(lab, {name: 'web'})
    await addContainer(lab, {name: 'db'})
  })
  afterAll(async () => {
    await lab?.down()
  })
  const serve = async (server: DhcpServer, pool: readonly [string, string]) => {
    if (!lab) throw new Error('lab not built')
    await lab.stopDhcp(running === 'isc-dhcpd' ? 'dhcpd' : 'dnsmasq')
    await lab.startDhcpServer(server, pool)
    running = server
    return lab
  }

  it('fails a pool (.100-.200) reaching into the bottom of the range from a server that hands out its lowest address first', async () => {
    await fiveRuns(await serve('dnsmasq-sequential', ['192.168.77.100', '192.168.77.200']), (run) => {
      expect(overlap(run)?.outcome).toBe('fail')
      expect(overlap(run)?.message).toMatch(/^Proven: the DHCP server 192\.168\.77\.1 offered 192\.168\.77\.194 when asked for it, inside Docker's range 192\.168\.77\.192\/27/)
      expect(run.exitCode).toBe(2)
    })
  }, FIVE_RUNS_MS)

  it('fails the same pool from a server that hashes the MAC', async () => {
    await fiveRuns(await serve('dnsmasq', ['192.168.77.100', '192.168.77.200']), (run) => {
      expect(overlap(run)?.outcome).toBe('fail')
      expect(overlap(run)?.message).toContain('offered 192.168.77.194 when asked for it')
    })
  }, FIVE_RUNS_MS)

  it('fails a pool (.222-.250) reaching into the top of the range', async () => {
    await fiveRuns(await serve('dnsmasq', ['192.168.77.222', '192.168.77.250']), (run) => {
      expect(overlap(run)?.outcome).toBe('fail')
      expect(overlap(run)?.message).toContain('offered 192.168.77.222 when asked for it')
    })
  }, FIVE_RUNS_MS)

  it('proves a pool below the range (.100-.150) clear, with a server that hashes and one that hands out its lowest address first', async () => {
    for (const server of ['dnsmasq', 'dnsmasq-sequential'] as const) {
      await fiveRuns(await serve(server, ['192.168.77.100', '192.168.77.150']), (run) => {
        expect(overlap(run)?.outcome).toBe('pass')
        expect(overlap(run)?.message).toMatch(/^Proven: 192\.168\.77\.1 offered nothing inside 192\.168\.77\.192\/27/)
        expect(outcomeOf(run, 'dhcp-servers')).toEqual(['pass'])
      })
    }
  }, FIVE_RUNS_MS)

  it('gives the same verdicts with ISC dhcpd: the requested-address probe is not dnsmasq-specific', async () => {
    await fiveRuns(await serve('isc-dhcpd', ['192.168.77.210', '192.168.77.250']), (run) => {
      expect(overlap(run)?.outcome).toBe('fail')
      expect(overlap(run)?.message).toContain('offered 192.168.77.222 when asked for it')
    })
    await fiveRuns(await serve('isc-dhcpd', ['192.168.77.100', '192.168.77.150']), (run) => expect(overlap(run)?.outcome).toBe('pass'))
  }, FIVE_RUNS_MS)

  it("fails a container's static address inside the pool, and names the container", async () => {
    const served = await serve('dnsmasq', ['192.168.77.100', '192.168.77.150'])
    await addContainer(served, {name: 'nas', ip: '192.168.77.120'})
    await fiveRuns(served, (run) => {
      expect(overlap(run)?.outcome).toBe('fail')
      expect(overlap(run)?.message).toContain("container nas's static address 192.168.77.120 is in the pool of the DHCP server 192.168.77.1")
    })
  }, FIVE_RUNS_MS)
})
