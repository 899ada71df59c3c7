// TODO(#2): placeholder until this tool is written; fails loudly rather than doing the wrong thing.
import Foundation

FileHandle.standardError.write(Data("crm_shadow: not implemented yet\n".utf8))
exit(3)
