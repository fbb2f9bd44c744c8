/* The cheapest SQLite write path for the bus bench's shape: how fast can SQLite itself go on this machine?
   gcc -O2 scripts/bench/sqlite-floor.c -lsqlite3 -o /tmp/sqlite-floor && /tmp/sqlite-floor CHG IDX
   CHG: 0 records only, 1 a change-log row per record, 2 one change-log row per 10,000-row batch; IDX: 1 with the two
   query-field indexes. See docs/PERFORMANCE.md ("SQLite's own floor"). Needs libsqlite3-dev. */
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <stdlib.h>
static double now(){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec+t.tv_nsec/1e9;}
int main(int argc,char**argv){
  int withchg = atoi(argv[1]); static char seg[10000*400]; int segn=0; int withidx = atoi(argv[2]);
  remove("/tmp/sqlite-floor.db"); remove("/tmp/sqlite-floor.db-wal"); remove("/tmp/sqlite-floor.db-shm");
  sqlite3*db; sqlite3_open("/tmp/sqlite-floor.db",&db);
  sqlite3_exec(db,"pragma journal_mode=wal;pragma synchronous=normal;pragma cache_size=-32768;pragma wal_autocheckpoint=16384;",0,0,0);
  sqlite3_exec(db,"create table t(id_number text not null, name text, employer text, credit_code text, region text, amount numeric, months integer, paid_on text, updated_at text, active integer, primary key(id_number)) without rowid;"
    "create table c(seq integer primary key, op text not null, record_key text, data text, at_ms bigint not null, load_id text);",0,0,0);
  if(withidx) sqlite3_exec(db,"create index i1 on t(credit_code, id_number); create index i2 on t(region, id_number);",0,0,0);
  sqlite3_stmt*ins,*chg;
  sqlite3_prepare_v2(db,"insert into t values (?,?,?,?,?,?,?,?,?,?)",-1,&ins,0);
  sqlite3_prepare_v2(db,"insert into c values (?,'insert',?,?,0,'x')",-1,&chg,0);
  char id[32],cc[32],reg[8],emp[128],data[512],key[40],paid[16],upd[24];
  const char*regions[]={"440604","440605","440606","440607","440608"};
  double t0=now();
  for(int b=0;b<100;b++){
    sqlite3_exec(db,"begin",0,0,0);
    for(int i=0;i<10000;i++){
      int r=b*10000+i;
      sprintf(id,"4406041950%08d",r); sprintf(cc,"91440600MA%08d",r); strcpy(reg,regions[r%5]);
      sprintf(emp,"佛山市南海区第%d号制造有限公司",r); sprintf(paid,"2024-05-%02d",r%28+1); sprintf(upd,"2024-05-%02dT16:40:00",r%28+1);
      sqlite3_bind_text(ins,1,id,-1,SQLITE_TRANSIENT); sqlite3_bind_text(ins,2,"陈超洋",-1,SQLITE_STATIC);
      sqlite3_bind_text(ins,3,emp,-1,SQLITE_TRANSIENT); sqlite3_bind_text(ins,4,cc,-1,SQLITE_TRANSIENT);
      sqlite3_bind_text(ins,5,reg,-1,SQLITE_TRANSIENT); sqlite3_bind_double(ins,6,r*1.1);
      sqlite3_bind_int(ins,7,r%300); sqlite3_bind_text(ins,8,paid,-1,SQLITE_TRANSIENT);
      sqlite3_bind_text(ins,9,upd,-1,SQLITE_TRANSIENT); sqlite3_bind_int(ins,10,1);
      if(sqlite3_step(ins)!=SQLITE_DONE){printf("err %s\n",sqlite3_errmsg(db));return 1;} sqlite3_reset(ins);
      if(withchg){
        sprintf(key,"[\"%s\"]",id);
        sprintf(data,"{\"id_number\":\"%s\",\"name\":\"陈超洋\",\"employer\":\"%s\",\"credit_code\":\"%s\",\"region\":\"%s\",\"amount\":%.1f,\"months\":%d,\"paid_on\":\"%s\",\"updated_at\":\"%s\",\"active\":true}",id,emp,cc,reg,r*1.1,r%300,paid,upd);
        if(withchg==2){ int n=strlen(data); memcpy(seg+segn,data,n); segn+=n; seg[segn++]=','; } else {
        sqlite3_bind_int64(chg,1,r); sqlite3_bind_text(chg,2,key,-1,SQLITE_TRANSIENT); sqlite3_bind_text(chg,3,data,-1,SQLITE_TRANSIENT);
        if(sqlite3_step(chg)!=SQLITE_DONE){printf("err2\n");return 1;} sqlite3_reset(chg);}
      }
    }
    if(withchg==2){ sqlite3_bind_int64(chg,1,b); sqlite3_bind_null(chg,2); sqlite3_bind_text(chg,3,seg,segn,SQLITE_TRANSIENT); sqlite3_step(chg); sqlite3_reset(chg); segn=0; }
    sqlite3_exec(db,"commit",0,0,0);
  }
  printf("chg=%d idx=%d: %.2f s\n",withchg,withidx,now()-t0);
  sqlite3_close(db);
}
