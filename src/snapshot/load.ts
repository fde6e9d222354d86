import {readFile} from 'node:fs/promises'

import {UserError} from '../errors.js'
import {readPackageFile} from '../package-root.js'
import {FIRST_BUNDLE_VERSION, isBundleFile, splitSaved, type Bundle, type Saved} from './bundle.js'
import {SNAPSHOT_SCHEMA_VERSION, type Snapshot} from './types.js'

const WRITTEN_BY = 'Pass a file written by `macvlan doctor --save FILE` or `macvlan collect -o FILE`.'

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
    throw new UserError(`cannot read snapshot ${path}: ${reason}`, WRITTEN_BY, 3, 'snapshot-unreadable')
  }
}

/**
 * Reads a saved snapshot or bundle and validates it against the committed JSON Schema of its kind. Every older schema
 * version still loads: each one only added to the file. Anything else is refused in one line naming the file and why.
 */
export async function loadSaved(path: string): Promise<Saved> {
  const text = await readSource(path)
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    throw new UserError(`snapshot ${path} is not valid JSON (${(error as Error).message})`, WRITTEN_BY, 3, 'snapshot-invalid')
  }
  const version = (value as {schemaVersion?: unknown} | null)?.schemaVersion
  if (typeof version !== 'number') {
    throw new UserError(`${path} is not a macvlan-doctor snapshot (no schemaVersion)`, WRITTEN_BY, 3, 'snapshot-invalid')
  }
  if ('checks' in (value as object) && 'status' in (value as object)) {
    throw new UserError(`${path} is a macvlan-doctor report, not a snapshot or bundle: a report keeps the verdicts, not all the facts they were judged from`, WRITTEN_BY, 3, 'snapshot-invalid')
  }
  const kind = isBundleFile(value as object) ? 'bundle' : 'snapshot'
  if (!Number.isInteger(version) || version < 1) {
    throw new UserError(`${kind} ${path} has schemaVersion ${version}, which no macvlan-doctor writes`, WRITTEN_BY, 3, 'snapshot-invalid')
  }
  if (version > SNAPSHOT_SCHEMA_VERSION) {
    throw new UserError(
      `${kind} ${path} has schemaVersion ${version}, newer than this macvlan-doctor understands (${SNAPSHOT_SCHEMA_VERSION})`,
      'Upgrade macvlan-doctor to the version that wrote it.',
      3,
      'snapshot-too-new',
    )
  }
  if (kind === 'bundle' && version < FIRST_BUNDLE_VERSION) {
    throw new UserError(`bundle ${path} has schemaVersion ${version}, which holds no probes (bundles start at ${FIRST_BUNDLE_VERSION})`, WRITTEN_BY, 3, 'snapshot-invalid')
  }
  const problem = (await schemaProblem(value, kind)) ?? timesProblem(value as Snapshot & Partial<Bundle>)
  if (problem) throw new UserError(`${kind} ${path} is malformed: ${problem}`, 'Save it again with `macvlan doctor --save FILE` or `macvlan collect -o FILE`.', 3, 'snapshot-invalid')
  return splitSaved(value as Snapshot | Bundle)
}

/** Each time as `collect` and `doctor --save` write it: an ISO 8601 time that parses. */
function timesProblem(saved: Snapshot & Partial<Bundle>): string | undefined {
  const iso = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/
  const times: Array<[string, string | undefined]> = [['/collectedAt', saved.collectedAt], ['/savedAt', saved.savedAt], ['/probes/startedAt', saved.probes?.startedAt]]
  for (const [where, time] of times) {
    if (time !== undefined && !(iso.test(time) && !Number.isNaN(Date.parse(time)))) return `${where} is not an ISO 8601 time (${JSON.stringify(time)})`
  }
  return undefined
}

/** The first violation of the snapshot (or bundle) schema, in words, or undefined. Ajv is loaded only for a replay. */
export async function schemaProblem(value: unknown, kind: 'snapshot' | 'bundle' = 'snapshot'): Promise<string | undefined> {
  const {Ajv} = await import('ajv')
  const schema = JSON.parse(readPackageFile(`schemas/${kind}.schema.json`)) as object
  const validate = new Ajv({allErrors: false, strict: false}).compile(schema)
  if (validate(value)) return undefined
  const first = validate.errors?.[0]
  return first ? `${first.instancePath || '/'} ${first.message ?? 'is invalid'}` : `does not match the ${kind} schema`
}
