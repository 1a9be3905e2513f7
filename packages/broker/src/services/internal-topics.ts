/** Topics whose names start with "__" belong to the broker itself (e.g. __consumer_offsets). */
export function isInternalTopic(name: string): boolean {
  return name.startsWith('__');
}
