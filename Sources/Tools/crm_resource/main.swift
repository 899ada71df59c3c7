// crm_resource: list, inspect and change resources (see Docs/Tools.md). Logic: CRM's `CRMResource`.
import CRM
import Glibc

exit(
    CRMResource.run(
        Array(CommandLine.arguments.dropFirst()), program: CommandLine.arguments.first ?? "crm_resource",
        now: Int(time(nil))))
