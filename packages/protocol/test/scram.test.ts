// SCRAM against RFC 7677's published SCRAM-SHA-256 exchange (user "user", password "pencil"), a SHA-512 round
// trip, and the failures: wrong password and unknown user fail alike, a server that does not hold the
// credential is caught by the client, and malformed messages are ILLEGAL_SASL_STATE.
import { describe, expect, it } from 'vitest';
import { deriveScramCredential, ScramClient, ScramServer, type ScramCredential, type ScramMechanism } from '../src/index.js';

const RFC = {
  clientNonce: 'rOprNGfwEbeRWgbNEkqO',
  serverNonce: '%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0',
  salt: Buffer.from('W22ZaJ0SNY7soEsUEjb6gQ==', 'base64'),
  clientFirst: 'n,,n=user,r=rOprNGfwEbeRWgbNEkqO',
  serverFirst: 'r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096',
  clientFinal: 'c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=',
  serverFinal: 'v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=',
};
const SECRET = Buffer.alloc(32, 7);

function exchange(mechanism: ScramMechanism, users: Map<string, ScramCredential>, user: string, password: string): { user: string } {
  const client = new ScramClient(mechanism, user, password);
  const server = new ScramServer(mechanism, (u) => users.get(u), SECRET);
  const serverFirst = server.first(client.first());
  const { user: who, serverFinal } = server.final(client.final(serverFirst));
  client.verify(serverFinal);
  return { user: who };
}

describe('SCRAM', () => {
  it('reproduces the SCRAM-SHA-256 exchange of RFC 7677 on both sides', () => {
    const credential = deriveScramCredential('SCRAM-SHA-256', 'pencil', { salt: RFC.salt, iterations: 4096 });
    const client = new ScramClient('SCRAM-SHA-256', 'user', 'pencil', RFC.clientNonce);
    const server = new ScramServer('SCRAM-SHA-256', (u) => (u === 'user' ? credential : undefined), SECRET, RFC.serverNonce);
    expect(client.first()).toBe(RFC.clientFirst);
    expect(server.first(RFC.clientFirst)).toBe(RFC.serverFirst);
    expect(client.final(RFC.serverFirst)).toBe(RFC.clientFinal);
    expect(server.final(RFC.clientFinal)).toEqual({ user: 'user', serverFinal: RFC.serverFinal });
    expect(() => client.verify(RFC.serverFinal)).not.toThrow();
  });

  it('authenticates with SCRAM-SHA-512, names with "," and "=" included', () => {
    const users = new Map([['a,b=c', deriveScramCredential('SCRAM-SHA-512', 's3cret')]]);
    expect(exchange('SCRAM-SHA-512', users, 'a,b=c', 's3cret')).toEqual({ user: 'a,b=c' });
  });

  it('fails a wrong password and an unknown user with the same error', () => {
    const users = new Map([['alice', deriveScramCredential('SCRAM-SHA-256', 'right')]]);
    const wrong = (() => { try { exchange('SCRAM-SHA-256', users, 'alice', 'wrong'); } catch (e) { return e; } })();
    const unknown = (() => { try { exchange('SCRAM-SHA-256', users, 'bob', 'right'); } catch (e) { return e; } })();
    expect(wrong).toMatchObject({ code: 'SASL_AUTHENTICATION_FAILED' });
    expect(unknown).toMatchObject({ code: 'SASL_AUTHENTICATION_FAILED', message: (wrong as Error).message });
  });

  it('gives an unknown user the same salt every time (asking twice tells nothing)', () => {
    const first = () => new ScramServer('SCRAM-SHA-256', () => undefined, SECRET).first('n,,n=ghost,r=abc');
    expect(first().split(',').slice(1)).toEqual(first().split(',').slice(1));
  });

  it('lets the client catch a server that does not hold its credential', () => {
    const client = new ScramClient('SCRAM-SHA-256', 'alice', 'pw');
    const clientFirst = client.first();
    const nonce = clientFirst.split('r=')[1];
    client.final(`r=${nonce}xyz,s=${Buffer.alloc(16).toString('base64')},i=4096`);
    expect(() => client.verify(`v=${Buffer.alloc(32).toString('base64')}`)).toThrow(expect.objectContaining({ code: 'SASL_AUTHENTICATION_FAILED' }));
  });

  it('refuses too few iterations, a nonce the server did not extend, and malformed messages', () => {
    const client = new ScramClient('SCRAM-SHA-256', 'alice', 'pw', 'abc');
    expect(() => client.final('r=abcdef,s=AAAA,i=1000')).toThrow(/4096/);
    expect(() => client.final('r=zzz,s=AAAA,i=4096')).toThrow(/nonce/);
    const server = new ScramServer('SCRAM-SHA-256', () => undefined, SECRET);
    expect(() => server.first('y,,n=alice,r=abc')).toThrow(expect.objectContaining({ code: 'ILLEGAL_SASL_STATE' }));
    expect(() => server.final('c=biws,r=abc,p=AAAA')).toThrow(expect.objectContaining({ code: 'ILLEGAL_SASL_STATE' }));
    expect(() => deriveScramCredential('SCRAM-SHA-256', 'pw', { iterations: 100 })).toThrow(/at least 4096/);
  });
});
