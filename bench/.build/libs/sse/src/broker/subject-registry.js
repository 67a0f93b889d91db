import { Observable, Subject } from 'rxjs';
export class SubjectRegistry {
    hooks;
    subjects = new Map();
    constructor(hooks) {
        this.hooks = hooks;
    }
    get size() {
        return this.subjects.size;
    }
    next(key, value) {
        const subject = this.subjects.get(key);
        if (!subject)
            return false;
        subject.next(value);
        return true;
    }
    observe(key) {
        return new Observable((subscriber) => {
            let subject = this.subjects.get(key);
            if (!subject) {
                subject = new Subject();
                this.subjects.set(key, subject);
                this.hooks?.opened(key);
            }
            const subscription = subject.subscribe(subscriber);
            const owned = subject;
            return () => {
                subscription.unsubscribe();
                if (!owned.observed && this.subjects.get(key) === owned) {
                    this.subjects.delete(key);
                    this.hooks?.released(key);
                }
            };
        });
    }
    completeAll() {
        const keys = [...this.subjects.keys()];
        const subjects = [...this.subjects.values()];
        this.subjects.clear();
        keys.forEach((key) => this.hooks?.released(key));
        subjects.forEach((subject) => subject.complete());
    }
}
