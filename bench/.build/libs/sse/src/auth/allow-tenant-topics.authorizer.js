export class AllowTenantTopicsAuthorizer {
    canSubscribe() {
        return true;
    }
}
