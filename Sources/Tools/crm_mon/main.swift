// crm_mon: the cluster's state, once or refreshing (see Docs/Tools.md). Logic: CRM's `CRMMon`.
import CRM
import Glibc

exit(CRMMon.run(Array(CommandLine.arguments.dropFirst()), program: CommandLine.arguments.first ?? "crm_mon"))
