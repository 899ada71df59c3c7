// crm_standby: a thin front-end over the attribute logic (see Docs/Tools.md). Logic: CRM's `CRMStandby`.
import CRM
import Glibc

exit(CRMStandby.run(Array(CommandLine.arguments.dropFirst())))
