import { object, type Field, type ObjectOf, type Shape } from './schema.js';

/** One API of the native protocol: its name, the versions this code speaks, and its two messages. */
export interface ApiDefinition<N extends string = string, Req extends Shape = Shape, Res extends Shape = Shape> {
  readonly name: N;
  /** One line for the API reference. */
  readonly summary: string;
  readonly minVersion: number;
  readonly maxVersion: number;
  readonly request: Field<ObjectOf<Req>>;
  readonly response: Field<ObjectOf<Res>>;
}

export function defineApi<N extends string, Req extends Shape, Res extends Shape>(def: {
  name: N;
  summary: string;
  minVersion: number;
  maxVersion: number;
  request: Req;
  response: Res;
}): ApiDefinition<N, Req, Res> {
  return { ...def, request: object(def.request), response: object(def.response) };
}
