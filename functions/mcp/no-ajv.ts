// Stands in for ajv and ajv-formats in the worker bundle (wrangler.toml [alias]): the MCP server is given the
// @cfworker/json-schema validator, so the SDK's default Ajv provider is never built; ~300 KB less to ship.
export default class NoAjv {
  constructor() {
    throw new Error(
      'ajv is not bundled in the worker: pass jsonSchemaValidator: new CfWorkerJsonSchemaValidator()',
    )
  }
}
