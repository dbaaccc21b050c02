import { environments } from "./program";

// Every stack (sandbox, prod) runs this same program; Pulumi.<stack>.yaml is all that differs.
export = environments();
