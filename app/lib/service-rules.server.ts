// The admin's numbers of issue 15 (/admin/service-rules): the data layer's reads and the service that changes one.
export * as serviceRules from "../../db/repos/service-rules";
export { ServiceRuleError, setServiceRule } from "../../services/service-rules";
