// Public exports of cdk-insurancelake. Each sub-construct is usable on its own; InsuranceLake composes them.
export {};
