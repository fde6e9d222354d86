/** The name the bundle's commands and hooks go by in its rewritten manifest (see entry.ts and scripts/bundle.ts). */
export const BUNDLED_MODULE = 'macvlan-doctor-bundle'
/** Where the bundle's entry leaves its commands and hooks for the patched module loader. */
export const BUNDLED_EXPORTS = Symbol.for('macvlan-doctor.bundled-exports')
/** First argument that makes the bundle run one of its helper scripts instead of a command. */
export const HELPER_ARG = '--macvlan-doctor-helper'
