// Renders the API reference section of docs/native-protocol.md from the registry, so the doc cannot fall behind it.
import { APIS, type ApiName, type Shape } from '../src/index.js';

function rows(shape: Shape | undefined, prefix: string): string[] {
  return Object.entries(shape ?? {}).flatMap(([key, f]) => {
    const path = `${prefix}${key}`;
    const type = `${f.type}${f.optional ? ', optional' : ''}`;
    const row = `| \`${path}\` | ${type} | v${f.since} | ${(f.note ?? '').replace(/\|/g, '\\|')} |`;
    const nested = f.shape ? rows(f.shape, `${path}${f.type.startsWith('array of') ? '[]' : ''}.`) : [];
    return [row, ...nested];
  });
}

function table(title: string, shape: Shape | undefined): string {
  const body = rows(shape, '');
  if (body.length === 0) return `**${title}**: no fields.\n`;
  return [`**${title}**`, '', '| Field | Type | Since | Notes |', '| --- | --- | --- | --- |', ...body, ''].join('\n');
}

export function renderApiReference(): string {
  return (Object.keys(APIS) as ApiName[]).map((api) => {
    const def = APIS[api];
    return [
      `### ${api}`,
      '',
      `${def.summary} Versions ${def.minVersion} to ${def.maxVersion}.`,
      '',
      table('Request', def.request.shape),
      table('Response', def.response.shape),
    ].join('\n');
  }).join('\n');
}
