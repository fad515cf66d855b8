/**
 * CEL as Kubernetes evaluates it for admission, on @marcbachmann/cel-js: optional syntax
 * (`a.?b.orValue(x)`), the standard macros, and the string extension functions the API server
 * ships (`join`, `split`, `lowerAscii`, …, built into the library). JSON integers become CEL `int`
 * (BigInt), as the API server types them. Kubernetes' own library functions (`isSorted`,
 * `quantity`, `url`, `authorizer`, `sets`) are not available: an expression that calls them fails
 * to compile with a message naming the function.
 */
import { Environment } from '@marcbachmann/cel-js';

export type CelProgram = (activation: Record<string, unknown>) => unknown;

const environment = new Environment({ unlistedVariablesAreDyn: true, enableOptionalTypes: true, homogeneousAggregateLiterals: false });

export class CelError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CelError';
  }
}

const cache = new Map<string, CelProgram>();

/** Parses an expression once; throws CelError with the parser's reason. */
export function compileCel(expression: string): CelProgram {
  const cached = cache.get(expression);
  if (cached) return cached;
  let parsed: (context: Record<string, unknown>) => unknown;
  try {
    parsed = environment.parse(expression) as unknown as (context: Record<string, unknown>) => unknown;
  } catch (error) {
    throw new CelError(firstLine(error));
  }
  const program: CelProgram = (activation) => {
    try {
      return parsed(activation);
    } catch (error) {
      throw new CelError(firstLine(error));
    }
  };
  cache.set(expression, program);
  return program;
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]!;
}

/** A JSON value as CEL sees it: integers as int (BigInt), everything else as is. */
export function toCel(value: unknown): unknown {
  if (typeof value === 'number') return Number.isInteger(value) ? BigInt(value) : value;
  if (Array.isArray(value)) return value.map(toCel);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) out[key] = toCel(inner);
    return out;
  }
  return value;
}

/** A CEL result as text for messages (messageExpression must give a string). */
export function celString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
