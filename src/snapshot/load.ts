import {readFile} from 'node:fs/promises'

import {UserError} from '../errors.js'
import {packageFile} from '../package-root.js'
import {SNAPSHOT_SCHEMA_VERSION, type Snapshot} from './types.js'

async function readSource(path: string): Promise<string> {
  if (path === '-') {
    const chunks: Buffer[] = []
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
    return Buffer.concat(chunks).toString('utf8')
  }
  try {
    return await readFile(path, 'utf8')
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message
    throw new UserError(`cannot read snapshot ${path}: ${reason}`, 'Pass a file written by `macvlan collect -o FILE`.', 3, 'snapshot-unreadable')
  }
}

/** Reads and validates a saved snapshot against the committed JSON Schema. */
export async function loadSnapshot(path: string): Promise<Snapshot> {
  const text = await readSource(path)
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    throw new UserError(`snapshot ${path} is not valid JSON (${(error as Error).message})`, 'Pass a file written by `macvlan collect -o FILE`.', 3, 'snapshot-invalid')
  }
  const version = (value as {schemaVersion?: unknown} | null)?.schemaVersion
  if (typeof version !== 'number') {
    throw new UserError(`${path} is not a macvlan-doctor snapshot (no schemaVersion)`, 'Pass a file written by `macvlan collect -o FILE`.', 3, 'snapshot-invalid')
  }
  if (!Number.isInteger(version) || version < 1) {
    throw new UserError(`snapshot ${path} has schemaVersion ${version}, which no macvlan-doctor writes`, 'Pass a file written by `macvlan collect -o FILE`.', 3, 'snapshot-invalid')
  }
  if (version > SNAPSHOT_SCHEMA_VERSION) {
    throw new UserError(
      `snapshot ${path} has schemaVersion ${version}, newer than this macvlan-doctor understands (${SNAPSHOT_SCHEMA_VERSION})`,
      'Upgrade macvlan-doctor to the version that wrote it.',
      3,
      'snapshot-too-new',
    )
  }
  const problem = (await schemaProblem(value)) ?? dateProblem((value as {collectedAt: string}).collectedAt)
  if (problem) throw new UserError(`snapshot ${path} is malformed: ${problem}`, 'Re-collect it with `macvlan collect -o FILE`.', 3, 'snapshot-invalid')
  return value as Snapshot
}

/** `collectedAt` as `collect` writes it: an ISO 8601 time that parses. */
function dateProblem(collectedAt: string): string | undefined {
  const iso = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/
  return iso.test(collectedAt) && !Number.isNaN(Date.parse(collectedAt)) ? undefined : `/collectedAt is not an ISO 8601 time (${JSON.stringify(collectedAt)})`
}

/** The first schema violation, in words, or undefined. Ajv is loaded only when a snapshot is replayed. */
export async function schemaProblem(value: unknown): Promise<string | undefined> {
  const {Ajv} = await import('ajv')
  const schema = JSON.parse(await readFile(packageFile('schemas/snapshot.schema.json'), 'utf8')) as object
  const validate = new Ajv({allErrors: false, strict: false}).compile(schema)
  if (validate(value)) return undefined
  const first = validate.errors?.[0]
  return first ? `${first.instancePath || '/'} ${first.message ?? 'is invalid'}` : 'does not match the snapshot schema'
}
