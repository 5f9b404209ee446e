// instanceof alone would refuse a Uint8Array from another realm (an iframe, a vm context).
export function isBytes(value: unknown): value is Uint8Array {
  return value instanceof Uint8Array || Object.prototype.toString.call(value) === "[object Uint8Array]"
}
