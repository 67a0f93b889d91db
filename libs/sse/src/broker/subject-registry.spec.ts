import { SubjectRegistry } from './subject-registry.js';

describe('SubjectRegistry', () => {
  it('creates a Subject on first subscription and releases it with the last subscriber', () => {
    const registry = new SubjectRegistry<number>();
    const seen: number[] = [];
    expect(registry.next('k', 0)).toBe(false);

    const a = registry.observe('k').subscribe((v) => seen.push(v));
    const b = registry.observe('k').subscribe((v) => seen.push(v * 10));
    expect(registry.size).toBe(1);
    expect(registry.next('k', 1)).toBe(true);
    a.unsubscribe();
    expect(registry.size).toBe(1);
    b.unsubscribe();

    expect(registry.size).toBe(0);
    expect(registry.next('k', 2)).toBe(false);
    expect(seen).toEqual([1, 10]);
  });

  it('counts the subscribed keys with a prefix and tells its hooks when a key opens and is released', () => {
    const events: string[] = [];
    const registry = new SubjectRegistry<number>({
      opened: (key) => events.push(`+${key}`),
      released: (key) => events.push(`-${key}`),
    });
    const a = registry.observe('t1').subscribe();
    const b = registry.observe('t1').subscribe();
    const c = registry.observe('u1').subscribe();
    expect(registry.countKeys('t')).toBe(1);
    a.unsubscribe();
    expect(events).toEqual(['+t1', '+u1']);
    b.unsubscribe();
    c.unsubscribe();
    expect(events).toEqual(['+t1', '+u1', '-t1', '-u1']);
    expect(registry.countKeys('t')).toBe(0);
  });

  it('does not grow with keys that were used and left', () => {
    const registry = new SubjectRegistry<number>();
    for (let i = 0; i < 10_000; i++)
      registry.observe(`user-${i}`).subscribe().unsubscribe();
    expect(registry.size).toBe(0);
  });

  it('completes every subscriber on completeAll', () => {
    const registry = new SubjectRegistry<number>();
    let completed = 0;
    registry.observe('a').subscribe({ complete: () => completed++ });
    registry.observe('b').subscribe({ complete: () => completed++ });
    registry.completeAll();
    expect(completed).toBe(2);
    expect(registry.size).toBe(0);
  });
});
