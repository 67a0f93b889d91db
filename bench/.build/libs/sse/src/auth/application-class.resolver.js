export class ApplicationClassResolver {
    moduleRef;
    type;
    instance;
    constructor(moduleRef, type) {
        this.moduleRef = moduleRef;
        this.type = type;
    }
    get() {
        this.instance ??= this.resolve();
        return this.instance;
    }
    async resolve() {
        try {
            return this.moduleRef.get(this.type, { strict: false });
        }
        catch {
            return this.moduleRef.create(this.type);
        }
    }
}
