// crm_failcount: a thin front-end over the attribute logic (see Docs/Tools.md). Logic: CRM's `CRMFailcount`.
import CRM
import Glibc

exit(CRMFailcount.run(Array(CommandLine.arguments.dropFirst())))
