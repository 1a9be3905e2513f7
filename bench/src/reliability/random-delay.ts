/** A pause of a uniformly random length in [min, max] ms: the "random moment" of a fault. */
export function randomDelay(min: number, max: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, min + Math.random() * (max - min)));
}
