// Syntax of the spider language (see docs/language.md).
//
// The token stream reaching this parser has already been through the front end's token
// pass: only statement-ending newlines remain as NL, and '{' opening a map literal is
// MAP_LBRACE. Statement shapes the parser cannot tell apart cheaply (assignment targets,
// keyword arguments) are checked by the AST transform and by sema instead.
parser grammar SpiderParser;

options { tokenVocab = SpiderLexer; }

program: (NL | SEMI)* (topDecl ((NL | SEMI)+ topDecl)*)? (NL | SEMI)* EOF;

// The entry point for the expression inside an f-string field.
fstringField: expr EOF;

name: IDENT | SPIDER | ITEM | ARG | SETTINGS;

topDecl: spiderDecl | itemDecl | defDecl;

spiderDecl: SPIDER name LBRACE (NL | SEMI)* (spiderMember ((NL | SEMI)+ spiderMember)*)? (NL | SEMI)* RBRACE;

spiderMember
    : argDecl
    | settingsBlock
    | itemDecl
    | defDecl
    | fieldDecl
    | attrAssign
    ;

argDecl: ARG name (COLON typeRef)? (ASSIGN expr)?;
fieldDecl: LET name (COLON typeRef)? (ASSIGN expr)?;
attrAssign: name ASSIGN expr;

settingsBlock: SETTINGS LBRACE (NL | SEMI)* (setting ((NL | SEMI)+ setting)*)? (NL | SEMI)* RBRACE;
setting: name ASSIGN expr;

itemDecl: ITEM name LBRACE (NL | SEMI)* (itemField (((NL | SEMI)+ | COMMA (NL | SEMI)*) itemField)*)? COMMA? (NL | SEMI)* RBRACE;
itemField: name COLON typeRef;

defDecl: ASYNC? DEF name LPAREN (param (COMMA param)* COMMA?)? RPAREN (ARROW typeRef)? block;
param: name (COLON typeRef)? (ASSIGN expr)?;

typeRef: (name | NONE) (LBRACK typeRef (COMMA typeRef)* RBRACK)? QUESTION?;

block: LBRACE (NL | SEMI)* (statement ((NL | SEMI)+ statement)*)? (NL | SEMI)* RBRACE;

statement
    : LET name (COLON typeRef)? (ASSIGN expr)?              # letStmt
    | IF expr block (ELIF expr block)* (ELSE block)?        # ifStmt
    | FOR name (COMMA name)? IN expr block                  # forStmt
    | WHILE expr block                                      # whileStmt
    | BREAK                                                 # breakStmt
    | CONTINUE                                              # continueStmt
    | RETURN expr?                                          # returnStmt
    | YIELD expr                                            # yieldStmt
    | TRY block catchClause* (FINALLY block)?               # tryStmt
    | expr (assignOp expr)?                                 # exprStmt
    ;

catchClause: CATCH (LPAREN name (COLON typeRef)? RPAREN)? block;

assignOp: ASSIGN | PLUS_ASSIGN | MINUS_ASSIGN | STAR_ASSIGN | SLASH_ASSIGN;

// Highest precedence first. Names are spelled out as tokens here rather than through
// `name`: one rule invocation less per name keeps the hot path of parsing short.
expr
    : primary                                               # primaryExpr
    | expr DOT (IDENT | SPIDER | ITEM | ARG | SETTINGS)      # memberExpr
    | expr LPAREN (argument (COMMA argument)* COMMA?)? RPAREN  # callExpr
    | expr LBRACK subscript RBRACK                          # indexExpr
    | AWAIT expr                                            # awaitExpr
    | (MINUS | PLUS) expr                                   # unaryExpr
    | expr (STAR | SLASH | DSLASH | PERCENT) expr           # mulExpr
    | expr (PLUS | MINUS) expr                              # addExpr
    | expr compareOp expr                                   # compareExpr
    | NOT expr                                              # notExpr
    | expr AND expr                                         # andExpr
    | expr OR expr                                          # orExpr
    ;

compareOp: EQ | NE | LT | LE | GT | GE | IN | NOT IN;

argument: (name ASSIGN)? expr;

// `a[i]` or a slice `a[lo:hi:step]` (each part optional); one rule so prediction is LL(1).
subscript: lo=expr? (firstColon=COLON hi=expr? (secondColon=COLON step=expr?)?)?;

primary
    : (IDENT | SPIDER | ITEM | ARG | SETTINGS)              # namePrimary
    | INT                                                   # intPrimary
    | FLOAT                                                 # floatPrimary
    | STRING                                                # stringPrimary
    | RSTRING                                               # rawStringPrimary
    | FSTRING                                               # fstringPrimary
    | TRUE                                                  # truePrimary
    | FALSE                                                 # falsePrimary
    | NONE                                                  # nonePrimary
    | LPAREN expr RPAREN                                    # parenPrimary
    | LBRACK (expr (COMMA expr)* COMMA?)? RBRACK            # listPrimary
    | MAP_LBRACE (mapEntry (COMMA mapEntry)* COMMA?)? RBRACE  # mapPrimary
    ;

mapEntry: expr COLON expr;
