declare module 'parse-prometheus-text-format' {
  interface Family {
    name: string
    help: string
    type: string
    metrics: Array<{labels?: Record<string, string>; value?: string}>
  }
  export default function parsePrometheus(text: string): Family[]
}
