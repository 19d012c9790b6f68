// Open and save diagrams the way bpmn.io and Camunda Modeler do: the same bpmn-moddle, with the
// extension packages each tool loads. Usage: node roundtrip.mjs OUT_DIR FILE...
// Writes OUT_DIR/<tool>/<file name> for every tool and prints {file: {tool: [import warnings]}} as JSON.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, join } from 'node:path';

import { BpmnModdle } from 'bpmn-moddle';

// require() reads JSON on every Node that bpmn-moddle runs on; `import ... with` needs a newer one.
const require = createRequire(import.meta.url);
const camundaModdle = require('camunda-bpmn-moddle/resources/camunda.json');
const zeebeModdle = require('zeebe-bpmn-moddle/resources/zeebe.json');

// What each tool saves with: bpmn.io only the standard; Camunda Modeler the extensions of its target engine,
// and its name in the exporter attributes.
const TOOLS = {
  'bpmn.io': { extensions: {}, exporter: null },
  'camunda-7': { extensions: { camunda: camundaModdle }, exporter: 'Camunda Modeler' },
  'camunda-8': { extensions: { zeebe: zeebeModdle }, exporter: 'Camunda Modeler' },
};

function warningText(warning) {
  const element = warning.element && warning.element.id ? `${warning.element.id}: ` : '';
  return `${element}${warning.message}`;
}

async function roundTrip(tool, xml) {
  const { extensions, exporter } = TOOLS[tool];
  const moddle = new BpmnModdle(extensions);
  const { rootElement, warnings } = await moddle.fromXML(xml, 'bpmn:Definitions');
  if (exporter) {
    rootElement.exporter = exporter;
    rootElement.exporterVersion = '5.43.0';
  }
  const { xml: written } = await moddle.toXML(rootElement, { format: true });
  return { warnings: warnings.map(warningText), written };
}

const [outDir, ...files] = process.argv.slice(2);
if (!outDir || files.length === 0) {
  console.error('usage: node roundtrip.mjs OUT_DIR FILE...');
  process.exit(2);
}
const report = {};
for (const file of files) {
  const xml = readFileSync(file, 'utf8');
  report[basename(file)] = {};
  for (const tool of Object.keys(TOOLS)) {
    const { warnings, written } = await roundTrip(tool, xml);
    mkdirSync(join(outDir, tool), { recursive: true });
    writeFileSync(join(outDir, tool, basename(file)), written);
    report[basename(file)][tool] = warnings;
  }
}
process.stdout.write(JSON.stringify(report));
