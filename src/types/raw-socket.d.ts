/** The part of raw-socket's API the ICMP sweep uses (the package ships no types). */
declare module 'raw-socket' {
  import type {EventEmitter} from 'node:events'

  interface RawSocket extends EventEmitter {
    send(buffer: Buffer, offset: number, length: number, address: string, callback: (error: Error | null, bytes: number) => void): void
    close(): void
  }

  const raw: {
    Protocol: {ICMP: number}
    createSocket(options: {protocol: number}): RawSocket
    createChecksum(...buffers: Buffer[]): number
    writeChecksum(buffer: Buffer, offset: number, checksum: number): Buffer
  }
  export default raw
}
