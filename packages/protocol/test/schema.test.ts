import { describe, expect, it } from 'vitest';
import { int, object, optional, since, string } from '../src/schema.js';

describe('message schemas', () => {
  const thing = object({ name: string(), size: optional(int({ min: 0 })), colour: since(1, string()) });

  it('neither writes nor reads a field at versions before the one that added it', () => {
    const value = { name: 'a', size: 1, colour: 'red' };
    expect(thing.write(value, 0)).toEqual({ name: 'a', size: 1 });
    expect(thing.write(value, 1)).toEqual(value);
    expect(thing.read(value, 'thing', 0)).toEqual({ name: 'a', size: 1 });
    expect(thing.read(value, 'thing', 1)).toEqual(value);
    expect(thing.read({ name: 'a' }, 'thing', 1)).toEqual({ name: 'a' }); // an added field is optional
  });

  it('writes fields in the order the schema lists them, whatever the order given', () => {
    expect(Object.keys(thing.write({ colour: 'red', size: 1, name: 'a' }, 1) as object)).toEqual(['name', 'size', 'colour']);
  });

  it('reads a missing required field as an error naming it', () => {
    expect(() => thing.read({ size: 1 }, 'thing', 0)).toThrow('thing.name must be a string, got nothing');
    expect(() => thing.read({ name: 'a', size: -1 }, 'thing', 0)).toThrow('thing.size must be between 0 and ∞, got -1');
  });
});
